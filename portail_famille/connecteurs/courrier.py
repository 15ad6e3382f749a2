"""Sending one email through SMTP (`SMTP_URL`): plain text with an HTML alternative.

`smtp://utilisateur:mot-de-passe@hote:587` uses STARTTLS when the server offers it (always for
port 587), `smtps://…:465` implicit TLS. Settings come in through the constructor; the errors
say an SMTP code or a class name, never the message or the address (securite.md E7).
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr
from email.utils import make_msgid
from urllib.parse import unquote
from urllib.parse import urlsplit

DELAI_S = 20


class EnvoiImpossible(Exception):
    """The message did not leave; `code` is the SMTP reply code, or the failure's class."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class ServeurSMTP:
    """One SMTP server and the sender's address."""

    def __init__(self, url: str, expediteur: str, nom_expediteur: str = ""):
        morceaux = urlsplit(url)
        if morceaux.scheme not in ("smtp", "smtps") or not morceaux.hostname:
            raise ValueError("SMTP_URL doit être de la forme smtp://hote:587 ou smtps://hote:465")
        self._tls_implicite = morceaux.scheme == "smtps"
        self._hote = morceaux.hostname
        self._port = morceaux.port or (465 if self._tls_implicite else 587)
        self._utilisateur = unquote(morceaux.username or "")
        self._mot_de_passe = unquote(morceaux.password or "")
        self._expediteur = expediteur
        self._nom_expediteur = nom_expediteur

    def envoyer(self, destinataire: str, sujet: str, texte: str, html: str) -> str:
        """Send the message; return its Message-ID, or raise EnvoiImpossible."""
        message = EmailMessage()
        message["From"] = formataddr((self._nom_expediteur, self._expediteur))
        message["To"] = destinataire
        message["Subject"] = sujet
        message["Message-ID"] = make_msgid(domain=self._expediteur.rpartition("@")[2] or None)
        message.set_content(texte)
        message.add_alternative(html, subtype="html")
        contexte = ssl.create_default_context()
        try:
            if self._tls_implicite:
                serveur = smtplib.SMTP_SSL(self._hote, self._port, timeout=DELAI_S,
                                           context=contexte)
            else:
                serveur = smtplib.SMTP(self._hote, self._port, timeout=DELAI_S)
            with serveur:
                serveur.ehlo()
                if not self._tls_implicite and (serveur.has_extn("starttls")
                                                or self._port == 587):
                    serveur.starttls(context=contexte)
                    serveur.ehlo()
                if self._utilisateur:
                    serveur.login(self._utilisateur, self._mot_de_passe)
                serveur.send_message(message)
        except smtplib.SMTPResponseException as erreur:
            raise EnvoiImpossible(str(erreur.smtp_code)) from None
        except smtplib.SMTPRecipientsRefused as erreur:
            codes = [code for code, _ in erreur.recipients.values()]
            raise EnvoiImpossible(str(codes[0]) if codes else type(erreur).__name__) from None
        except (smtplib.SMTPException, OSError) as erreur:
            raise EnvoiImpossible(type(erreur).__name__) from None
        return message["Message-ID"]
