# dlcourse serve as a JupyterHub service: add to jupyterhub_config.py (tests/test_serve.py loads this file).
# JupyterHub starts it with the hub, restarts it if it dies, and shows its log with the hub's.
# The exchange in course.yaml must be the one the learners' nbgrader uses (c.Exchange.root in their
# nbgrader_config.py, usually a volume every single-user server mounts).
c.JupyterHub.services.append(
    {
        "name": "dlcourse-serve",
        "command": ["dlcourse", "serve", "/srv/course/course.yaml", "--work", "/srv/course/course-work",
                    "--health-port", "8790"],
        # Only for the health check: the service has no web UI and needs no hub API token scopes.
        "url": "http://127.0.0.1:8790",
        "cwd": "/srv/course",
    }
)
