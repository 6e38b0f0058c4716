"""Running a term (trusted side): due dates, the late policy and extensions, the feedback released
by policy, the roster and the grades written for an LMS.

``policy`` holds course.yaml's keys for it; ``late`` is the one definition of lateness and its
penalty, used by the batch grader and by nbgrader's late-submission plugin alike (``grader.nbgrader_glue.late``).
"""
