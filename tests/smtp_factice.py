"""A minimal SMTP server on loopback for the tests: it accepts (or refuses) messages and keeps
what it received. No TLS, no auth: the connector's own settings decide whether it asks."""

import socketserver
import threading
from dataclasses import dataclass
from dataclasses import field
from email import message_from_bytes
from email import policy


@dataclass
class Boite:
    messages: list = field(default_factory=list)  # email.message.EmailMessage
    refuser: bool = False  # answer 550 to every recipient


def servir(boite: Boite):
    """Start the server; returns (port, stop)."""

    class Gestionnaire(socketserver.StreamRequestHandler):
        def ecrire(self, ligne: str) -> None:
            self.wfile.write(ligne.encode() + b"\r\n")

        def handle(self):
            self.ecrire("220 smtp.factice ESMTP")
            while ligne := self.rfile.readline():
                commande = ligne.decode(errors="replace").strip().upper()
                if commande.startswith(("EHLO", "HELO")):
                    self.ecrire("250-smtp.factice")
                    self.ecrire("250 8BITMIME")
                elif commande.startswith("RCPT") and boite.refuser:
                    self.ecrire("550 destinataire refusé")
                elif commande.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                    self.ecrire("250 OK")
                elif commande == "DATA":
                    self.ecrire("354 envoyez")
                    corps = b""
                    while (morceau := self.rfile.readline()) not in (b".\r\n", b""):
                        corps += morceau[1:] if morceau.startswith(b"..") else morceau
                    boite.messages.append(message_from_bytes(corps, policy=policy.default))
                    self.ecrire("250 reçu")
                elif commande == "QUIT":
                    self.ecrire("221 au revoir")
                    return
                else:
                    self.ecrire("502 commande inconnue")

    serveur = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Gestionnaire)
    serveur.daemon_threads = True
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()

    def arreter():
        serveur.shutdown()
        serveur.server_close()

    return serveur.server_address[1], arreter
