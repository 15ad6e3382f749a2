"""The sandbox FranceConnect provider's state: authorization codes and access tokens.

Kept in the database so that every worker of the demo sees the same codes and tokens
(franceconnect.md SB-4). Only SHA-256 fingerprints of codes and tokens are stored: a database
dump holds nothing usable, and the portal's own "no token stored anywhere" check (securite.md O9)
never finds the sandbox's copy of a token.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from portail_famille.extensions import db
from portail_famille.models import Horodatage
from portail_famille.models import maintenant


class CodeFranceConnect(db.Model):
    """An authorization code: single use, 30 s of life (SB-10), bound to its authorize request."""

    __tablename__ = "bac_a_sable_fc_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    empreinte: Mapped[str] = mapped_column(sa.String(64), unique=True)
    client_id: Mapped[str] = mapped_column(sa.String(200))
    redirect_uri: Mapped[str] = mapped_column(sa.String(500))
    scope: Mapped[str] = mapped_column(sa.Text)
    nonce: Mapped[str] = mapped_column(sa.Text)
    cle_identite: Mapped[str] = mapped_column(sa.String(64))
    amr_demande: Mapped[bool] = mapped_column(default=False)
    # The moment the person chose an identity: the id_token's auth_time.
    cree_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)


class JetonFranceConnect(db.Model):
    """An opaque access token: 60 s of life (SB-11), read by userinfo and introspection."""

    __tablename__ = "bac_a_sable_fc_jeton"

    id: Mapped[int] = mapped_column(primary_key=True)
    empreinte: Mapped[str] = mapped_column(sa.String(64), unique=True)
    client_id: Mapped[str] = mapped_column(sa.String(200))
    cle_identite: Mapped[str] = mapped_column(sa.String(64))
    scope: Mapped[str] = mapped_column(sa.Text)
    emis_le: Mapped[datetime] = mapped_column(Horodatage, default=maintenant)
    revoque_le: Mapped[datetime | None] = mapped_column(Horodatage)
