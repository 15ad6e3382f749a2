"""Reading the grid editor's page as a browser would submit it."""

from tests.aides import Page

CANTINE = "periodes-0-services-cantine-bareme-tranches"


def donnees(html: str) -> dict:
    """What the editor's form sends as it stands: fields, selected options, ticked boxes."""
    page = Page(html)
    envoi: dict = {}
    for champ in page.tous("input"):
        nom = champ.get("name")
        if not nom:
            continue
        if champ.get("type") == "checkbox":
            if "checked" in champ.attrs:
                envoi.setdefault(nom, []).append(champ.get("value"))
        else:
            envoi[nom] = champ.get("value", "")
    for liste in page.tous("select"):
        choisies = [o for o in liste.tous("option") if "selected" in o.attrs]
        envoi[liste.get("name")] = choisies[0].get("value") if choisies else ""
    for zone in page.tous("textarea"):
        envoi[zone.get("name")] = texte_de(zone)
    return envoi


def texte_de(zone) -> str:
    """A textarea's text as a browser reads it: the newline right after the tag dropped."""
    texte = "".join(zone.morceaux)
    return texte.removeprefix("\r\n") if texte.startswith("\r\n") else texte.removeprefix("\n")


def envoyer(client, html: str, action: str, **valeurs):
    """Press the button `action` of the editor after typing `valeurs` (field names)."""
    envoi = {**donnees(html), **valeurs, "action": action}
    return client.post("/admin/grille/modifier", data=envoi)
