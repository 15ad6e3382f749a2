"""`next` can never leave the site, whatever string it holds (securite.md O12), as a property."""

from urllib.parse import unquote
from urllib.parse import urljoin
from urllib.parse import urlsplit

from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from portail_famille.web.redirections import cible_sure

PAGE = "https://portail.exemple.test/connexion/franceconnect/retour"
DEFAUT = "/espace-famille/"
# The pieces open redirects are made of, so that generated strings often combine them.
MORCEAUX = ["/", "//", "\\", "%2F", "%2f", "%5C", "%5c", "%25", "%252F", ":", "https:",
            "javascript:", "evil.example", "@", "?", "#", ".", "..", "\t", "\n", "\r", "\x00",
            "%09", "%0A", " ", "\u3000", "é"]
CIBLES = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(MORCEAUX), st.text(max_size=3)), max_size=10)
    .map("".join),
)


def comme_un_navigateur(cible: str) -> str:
    """The WHATWG URL parser's clean-up before resolving: tabs and newlines removed, leading
    and trailing controls and spaces stripped, backslashes read as slashes."""
    for blanc in "\t\n\r":
        cible = cible.replace(blanc, "")
    return cible.strip("".join(map(chr, range(33)))).replace("\\", "/")


@given(CIBLES)
@example("//evil.example")
@example("/\\evil.example")
@example("https:evil.example")
@example("%2F%2Fevil.example")
@example("/%252F%252Fevil.example")
@example("/\t/evil.example")
@example("/espace-famille/?onglet=1")
def test_o12_cible_sure_toujours_un_chemin_de_ce_site(cible):
    resultat = cible_sure(cible, DEFAUT)
    assert resultat in (cible, DEFAUT)
    # Read by a browser, or decoded once or twice on the way by a proxy: still a path here.
    for forme in (resultat, unquote(resultat), unquote(unquote(resultat))):
        lue = comme_un_navigateur(forme)
        assert lue.startswith("/") and not lue.startswith("//")
        destination = urlsplit(urljoin(PAGE, lue))
        assert (destination.scheme, destination.netloc) == ("https", "portail.exemple.test")
