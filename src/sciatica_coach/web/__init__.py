"""Web adapter: FastAPI app factory, routes, Jinja2 templates and a little plain JavaScript."""
