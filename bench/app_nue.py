"""The baseline of bench/web.py: a bare Flask app that answers one `SELECT` on the portal's
PostgreSQL base with a small page, under the same gunicorn settings."""

import os

import sqlalchemy as sa
from flask import Flask


def creer() -> Flask:
    app = Flask(__name__)
    url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://")
    moteur = sa.create_engine(url, pool_pre_ping=True)

    @app.get("/")
    def accueil():
        with moteur.connect() as connexion:
            nombre = connexion.execute(sa.text("SELECT count(*) FROM famille")).scalar_one()
        return f"<!doctype html><title>Nue</title><p>{nombre} familles</p>"

    return app
