"""Every setting of the portal, read from the environment, typed and checked at boot."""

import os
import secrets
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from pathlib import Path
from urllib.parse import urlsplit

from portail_famille.domaine import identifiants

RACINE_PROJET = Path(__file__).resolve().parent.parent

# The production FranceConnect hosts: the sandbox must never pretend to be one of them (O14).
HOTES_FRANCECONNECT_PRODUCTION = ("oidc.franceconnect.gouv.fr", "app.franceconnect.gouv.fr")
HOTES_PROCONNECT_PRODUCTION = ("auth.proconnect.gouv.fr",)

# The usage name is not in v2's identity pivot: it prefills the CAF lookup (nomUsage).
SCOPES_IDENTITE = "openid identite_pivot preferred_username email"
# The call volumes a DGFiP habilitation may declare, per minute (impot-particulier.md §1).
VOLUMES_DGFIP = (50, 200, 1000)
# API Particulier's and the DGFiP's FranceConnect data scopes (franceconnect.md §7).
PREFIXES_SCOPES_DONNEES = ("cnaf_", "dgfip_")
SCOPES_DONNEES = {
    # Children and address are offered to the family for import, never stored unconfirmed.
    "caf": "cnaf_quotient_familial cnaf_enfants cnaf_adresse",
    "dgfip": "dgfip_rfr dgfip_nbpart dgfip_annee_n_moins_1 dgfip_annee_n_moins_2",
}

# Days each category is kept by default (securite.md G1, to confirm with the commune's DPO).
DUREES_DE_CONSERVATION = {"justificatifs": 365, "foyers_inactifs": 730, "journal": 365,
                          "taches": 90}

CLES_FAIBLES = {"", "dev", "secret", "changeme", "change-me", "development", "test"}


class ConfigurationInvalide(Exception):
    """The environment does not describe a portal that can start; the message says what to fix."""


def _booleen(valeur: str | None) -> bool:
    return (valeur or "").strip().lower() in {"1", "true", "oui", "yes", "on"}


def _entier(nom: str, valeur: str | None, defaut: int, problemes: list[str]) -> int:
    """`valeur` as an integer; a wrong one is noted in `problemes`, to be listed with the rest."""
    if valeur in (None, ""):
        return defaut
    try:
        return int(valeur)
    except ValueError:
        problemes.append(f"{nom} doit être un entier (reçu « {valeur} »)")
        return defaut


def _cle_faible(cle: str) -> bool:
    """A default, short or obviously non-random SECRET_KEY (securite.md C4).

    Fewer than 8 distinct characters catches `aaaa…` or `changeme` repeated, and never a real
    random key: 32 hex characters from `secrets` always hold more.
    """
    return cle.strip().lower() in CLES_FAIBLES or len(cle) < 32 or len(set(cle)) < 8


@dataclass(frozen=True)
class Configuration:
    """The typed settings; `depuis_environnement` builds and checks them."""

    secret_key: str
    database_url: str
    portail_url: str
    bac_a_sable: bool = False
    tests: bool = False
    redis_url: str | None = None
    tarifs_fichier: Path = RACINE_PROJET / "tarifs.yaml"
    # The school calendar and the booking cut-offs (issue 13): read at boot, never edited online.
    calendrier_fichier: Path = RACINE_PROJET / "calendrier.yaml"
    proxy_fix_sauts: int = 0
    franceconnect_issuer: str = ""
    franceconnect_client_id: str = ""
    franceconnect_client_secret: str = ""
    franceconnect_scopes: str = ""
    # ProConnect for staff (proconnect.md): optional, off while any of the three is empty.
    proconnect_issuer: str = ""
    proconnect_client_id: str = ""
    proconnect_client_secret: str = ""
    api_particulier_url: str = "https://particulier.api.gouv.fr"
    api_particulier_token: str = ""
    api_particulier_recipient: str = ""
    impot_particulier_url: str = ""
    impot_particulier_token_url: str = ""
    impot_particulier_client_id: str = ""
    impot_particulier_client_secret: str = ""
    justificatif_taille_max: int = 5 * 1024 * 1024
    # The volume declared in the DGFiP habilitation: 50, 200 or 1 000 calls a minute.
    impot_particulier_appels_par_minute: int = 50
    grille_rafraichissement_s: float = 2.0
    # Retention (securite.md G1), in days; README « Conservation des données ».
    retention_justificatifs_jours: int = DUREES_DE_CONSERVATION["justificatifs"]
    retention_foyers_inactifs_jours: int = DUREES_DE_CONSERVATION["foyers_inactifs"]
    retention_journal_jours: int = DUREES_DE_CONSERVATION["journal"]
    retention_taches_jours: int = DUREES_DE_CONSERVATION["taches"]
    # Emails to families (issue 12): SMTP_URL, and who they come from.
    smtp_url: str = ""
    courriel_expediteur: str = ""
    courriel_nom: str = "Portail famille"
    # Online payment (issue 13, payfip.md): without a client number, no invoice is payable online.
    payfip_url: str = "https://www.payfip.gouv.fr/tpa"
    payfip_numcli: str = ""
    payfip_saisie: str = ""
    # Error reporting (optional): events leave without identities, query strings or bodies.
    sentry_dsn: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def https(self) -> bool:
        return self.portail_url.startswith("https://")

    @classmethod
    def depuis_environnement(cls, env=None, **surcharges) -> "Configuration":
        """Read the settings from `env` (default os.environ); raise ConfigurationInvalide."""
        env = os.environ if env is None else env
        bac_a_sable = surcharges.pop("bac_a_sable", _booleen(env.get("PORTAIL_BAC_A_SABLE")))
        tests = surcharges.pop("tests", False)
        pour_servir = surcharges.pop("pour_servir", True)
        portail_url = surcharges.pop(
            "portail_url", env.get("PORTAIL_URL", "http://127.0.0.1:5000")
        ).rstrip("/")
        issuer_defaut = f"{portail_url}/bac-a-sable/franceconnect/api/v2" if bac_a_sable else ""
        problemes: list[str] = []
        simulateurs = f"{portail_url}/bac-a-sable"

        def lire(nom, defaut=""):
            return env.get(nom) or (defaut if bac_a_sable or tests else "")

        valeurs = {
            "secret_key": env.get("SECRET_KEY", ""),
            "database_url": env.get("DATABASE_URL", ""),
            "portail_url": portail_url,
            "bac_a_sable": bac_a_sable,
            "tests": tests,
            "redis_url": env.get("REDIS_URL") or None,
            "tarifs_fichier": Path(env.get("TARIFS_FICHIER") or RACINE_PROJET / "tarifs.yaml"),
            "calendrier_fichier": Path(env.get("CALENDRIER_FICHIER")
                                       or RACINE_PROJET / "calendrier.yaml"),
            "proxy_fix_sauts": _entier("PROXY_FIX_SAUTS", env.get("PROXY_FIX_SAUTS"), 0,
                                       problemes),
            # Kept exactly as given: tokens and discovery must name this very string (O1).
            "franceconnect_issuer": lire("FRANCECONNECT_ISSUER", issuer_defaut),
            "franceconnect_client_id": lire("FRANCECONNECT_CLIENT_ID", "portail-famille-demo"),
            "franceconnect_client_secret": lire(
                "FRANCECONNECT_CLIENT_SECRET", "secret-du-bac-a-sable-portail-famille"
            ),
            "franceconnect_scopes": env.get("FRANCECONNECT_SCOPES", ""),
            # In the sandbox, its ProConnect-like provider; elsewhere off unless configured.
            "proconnect_issuer": env.get("PROCONNECT_ISSUER") or (
                f"{portail_url}/bac-a-sable/proconnect/api/v2" if bac_a_sable else ""),
            "proconnect_client_id": lire("PROCONNECT_CLIENT_ID", "portail-famille-proconnect-demo"),
            "proconnect_client_secret": lire(
                "PROCONNECT_CLIENT_SECRET", "secret-du-bac-a-sable-proconnect"
            ),
            "api_particulier_url": lire(
                "API_PARTICULIER_URL", f"{simulateurs}/api-particulier"
            ).rstrip("/")
            or "https://particulier.api.gouv.fr",
            "api_particulier_token": lire("API_PARTICULIER_TOKEN", "jeton-bac-a-sable-complet"),
            "api_particulier_recipient": lire("API_PARTICULIER_RECIPIENT", "21690123100011"),
            "impot_particulier_url": lire(
                "IMPOT_PARTICULIER_URL", f"{simulateurs}/impot-particulier/impotparticulier/1.0"
            ).rstrip("/"),
            "impot_particulier_token_url": lire(
                "IMPOT_PARTICULIER_TOKEN_URL", f"{simulateurs}/impot-particulier/token"
            ),
            "impot_particulier_client_id": lire(
                "IMPOT_PARTICULIER_CLIENT_ID", "portail-famille-dgfip"
            ),
            "impot_particulier_client_secret": lire(
                "IMPOT_PARTICULIER_CLIENT_SECRET", "secret-dgfip-bac-a-sable"
            ),
            "impot_particulier_appels_par_minute": _entier(
                "IMPOT_PARTICULIER_APPELS_PAR_MINUTE",
                env.get("IMPOT_PARTICULIER_APPELS_PAR_MINUTE"), 50, problemes,
            ),
            "payfip_url": lire("PAYFIP_URL", f"{simulateurs}/payfip/tpa").rstrip("/")
            or "https://www.payfip.gouv.fr/tpa",
            "payfip_numcli": lire("PAYFIP_NUMCLI", "123456"),
            "payfip_saisie": lire("PAYFIP_SAISIE", "T"),
            "sentry_dsn": env.get("SENTRY_DSN", ""),
            "smtp_url": env.get("SMTP_URL", ""),
            "courriel_expediteur": env.get("COURRIEL_EXPEDITEUR")
            or f"ne-pas-repondre@{urlsplit(portail_url).hostname or 'localhost'}",
            "courriel_nom": env.get("COURRIEL_NOM", "Portail famille"),
            **{f"retention_{nom}_jours": _entier(
                f"RETENTION_{nom.upper()}_JOURS", env.get(f"RETENTION_{nom.upper()}_JOURS"),
                defaut, problemes)
               for nom, defaut in DUREES_DE_CONSERVATION.items()},
            "justificatif_taille_max": _entier(
                "JUSTIFICATIF_TAILLE_MAX", env.get("JUSTIFICATIF_TAILLE_MAX"), 5 * 1024 * 1024,
                problemes,
            ),
        }
        valeurs.update(surcharges)
        noms = {f.name for f in fields(cls)}
        extra = {k: v for k, v in valeurs.items() if k not in noms}
        config = cls(**{k: v for k, v in valeurs.items() if k in noms}, extra=extra)
        return config.verifiee(pour_servir, problemes)

    def verifiee(self, pour_servir: bool = True,
                 deja: list[str] | tuple[str, ...] = ()) -> "Configuration":
        """Fail at boot with every problem listed (`deja`: those found while reading)."""
        problemes = list(deja)
        if pour_servir and not (self.bac_a_sable or self.tests):
            if _cle_faible(self.secret_key):
                problemes.append(
                    "SECRET_KEY est obligatoire : au moins 32 caractères aléatoires "
                    "(par exemple `python -c 'import secrets; print(secrets.token_hex(32))'`)"
                )
            if not self.portail_url.startswith("https://"):
                problemes.append("PORTAIL_URL doit commencer par https:// en production")
            if not self.smtp_url:
                problemes.append("SMTP_URL est obligatoire : les familles reçoivent des courriels "
                                 "(inscription validée, quotient à renouveler…)")
            for nom in ("franceconnect_issuer", "franceconnect_client_id",
                        "franceconnect_client_secret"):
                if not getattr(self, nom):
                    problemes.append(f"{nom.upper()} est obligatoire")
            if self.proconnect_issuer and not self.api_particulier_recipient:
                # The siret claim is compared with it: without it, every agent is refused
                # (as in the sandbox and the tests, which may run without it).
                problemes.append("PROCONNECT_ISSUER exige API_PARTICULIER_RECIPIENT (le SIRET "
                                 "de la commune, comparé à celui de l’agent)")
        if self.bac_a_sable:
            hote = urlsplit(self.franceconnect_issuer).hostname or ""
            if hote in HOTES_FRANCECONNECT_PRODUCTION:
                problemes.append(
                    "PORTAIL_BAC_A_SABLE=1 est interdit avec le FranceConnect de production"
                )
            if (urlsplit(self.proconnect_issuer).hostname or "") in HOTES_PROCONNECT_PRODUCTION:
                problemes.append(
                    "PORTAIL_BAC_A_SABLE=1 est interdit avec le ProConnect de production"
                )

        if self.api_particulier_recipient and not identifiants.siret_valide(
            self.api_particulier_recipient
        ):
            problemes.append(
                "API_PARTICULIER_RECIPIENT doit être le SIRET de la commune "
                "(14 chiffres, clé de Luhn valide)"
            )
        for nom in DUREES_DE_CONSERVATION:
            if getattr(self, f"retention_{nom}_jours") < 1:
                problemes.append(f"RETENTION_{nom.upper()}_JOURS doit être un nombre de jours "
                                 "supérieur ou égal à 1")
        if self.impot_particulier_appels_par_minute not in VOLUMES_DGFIP:
            problemes.append("IMPOT_PARTICULIER_APPELS_PAR_MINUTE doit être le volume déclaré "
                             "dans l’habilitation DGFiP : 50, 200 ou 1000")
        if self.payfip_numcli and not (len(self.payfip_numcli) == 6
                                       and self.payfip_numcli.isascii()
                                       and self.payfip_numcli.isdigit()):
            problemes.append("PAYFIP_NUMCLI doit être le numéro client PayFiP de la commune "
                             "(6 chiffres)")
        # Said outright, never defaulted: a test saisie in production collects nothing, a
        # production one in a rehearsal collects real money.
        if self.payfip_numcli and self.payfip_saisie not in ("T", "X", "W"):
            problemes.append("PAYFIP_SAISIE doit être T (test), X (activation) ou W (production) "
                             "quand PAYFIP_NUMCLI est défini")
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            problemes.append("SMTP_URL doit commencer par smtp:// (STARTTLS) ou smtps:// (TLS)")
        if problemes:
            raise ConfigurationInvalide("Configuration invalide :\n- " + "\n- ".join(problemes))
        return self

    def scopes_franceconnect(self, sources: tuple[str, ...], donnees: bool = True) -> str:
        """The scopes sent to FranceConnect: as configured, else identity + the enabled sources.

        Without `donnees` (the family declined to share its income), no data scope at all,
        even a configured one: FranceConnect would otherwise ask the family to consent again.
        """
        if self.franceconnect_scopes:
            scopes = self.franceconnect_scopes.split()
        else:
            scopes = " ".join([SCOPES_IDENTITE, *(SCOPES_DONNEES[s] for s in sources)]).split()
        if not donnees:
            scopes = [s for s in scopes if not s.startswith(PREFIXES_SCOPES_DONNEES)]
        return " ".join(scopes)

    def flask(self, instance_path: Path) -> dict:
        """The Flask settings derived from this configuration."""
        # Without SECRET_KEY (refused when serving outside the sandbox): a key kept under
        # instance/ for the demo, so that sessions survive a restart, else a throwaway one.
        cle = self.secret_key or (
            _cle_de_demo(instance_path) if self.bac_a_sable else secrets.token_hex(32)
        )
        base = self.database_url or f"sqlite:///{instance_path / 'portail.db'}"
        return {
            "SECRET_KEY": cle,
            "SQLALCHEMY_DATABASE_URI": _url_sqlalchemy(base),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "PREFERRED_URL_SCHEME": "https" if self.https else "http",
            "SESSION_COOKIE_SECURE": self.https,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_NAME": "__Host-session" if self.https else "session",
            # Twice the document limit: a file a little too large is read, and refused next to
            # its field; only a far larger body is cut off before the form can be read.
            "MAX_CONTENT_LENGTH": 2 * self.justificatif_taille_max + 64 * 1024,
            "WTF_CSRF_TIME_LIMIT": None,
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            # Said outright: Flask-Limiter would otherwise take the last app's choice.
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_HEADERS_ENABLED": True,
            "TESTING": self.tests,
            **self.extra,
        }


def _url_sqlalchemy(url: str) -> str:
    # Platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    for prefixe in ("postgres://", "postgresql://"):
        if url.startswith(prefixe):
            return "postgresql+psycopg://" + url[len(prefixe):]
    return url


def _cle_de_demo(instance_path: Path) -> str:
    instance_path.mkdir(parents=True, exist_ok=True)
    chemin = instance_path / "cle-secrete-demo"
    if not chemin.exists():
        chemin.write_text(secrets.token_hex(32))
    return chemin.read_text().strip()
