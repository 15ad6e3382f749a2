"""The staff password policy: 12 characters at least, not a common one (issue 10)."""

import pytest

from portail_famille.domaine import mots_de_passe


def test_la_liste_des_mots_de_passe_courants_est_chargee():
    courants = mots_de_passe.courants()
    assert len(courants) >= 1000
    assert {"motdepasse123", "azertyuiop12", "password1234", "123456789012"} <= courants


@pytest.mark.parametrize(("mot_de_passe", "raison"), [
    ("court", "au moins 12 caractères"),
    ("onze-signes", "au moins 12 caractères"),
    ("x" * 257, "au plus 256 caractères"),
    ("motdepasse123", "trop courant"),
    ("MotDePasse123", "trop courant"),
    ("AZERTYUIOP12", "trop courant"),
    ("aaaaaaaaaaaaaaaa", "trop simple"),
    ("abababababab", "trop simple"),
    ("mot\x00de-passe-long", "caractère de contrôle"),
    ("agent.dupont-2026!", "l’identifiant"),
])
def test_refus(mot_de_passe, raison):
    with pytest.raises(mots_de_passe.MotDePasseRefuse, match=raison):
        mots_de_passe.verifier(mot_de_passe, "agent.dupont")


@pytest.mark.parametrize("mot_de_passe", ["cheval-agrafe-batterie", "Une phrase à moi",
                                          "douze signes"])
def test_acceptes(mot_de_passe):
    mots_de_passe.verifier(mot_de_passe, "agent.dupont")
