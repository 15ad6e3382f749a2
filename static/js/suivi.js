// A page that shows work under way (a QF being fetched, a campaign) follows it without a full
// reload: it asks the element's `data-suivi` address every few seconds, updates its <progress>
// and text, and reloads once the work is done. Without JavaScript, its « Actualiser » link does
// the same by hand.
(function () {
  "use strict";
  var INTERVALLE = 4000;

  function suivre(bloc) {
    var adresse = bloc.getAttribute("data-suivi");

    function lire() {
      fetch(adresse, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (reponse) { return reponse.ok ? reponse.json() : null; })
        .then(function (etat) {
          if (etat === null) {
            window.setTimeout(lire, INTERVALLE * 2);
            return;
          }
          var barre = bloc.querySelector("progress");
          if (barre && etat.total) {
            barre.max = etat.total;
            barre.value = etat.avance;
          }
          var texte = bloc.querySelector("[data-suivi-texte]");
          if (texte && etat.texte) {
            texte.textContent = etat.texte;
          }
          if (etat.termine) {
            window.location.reload();
          } else {
            window.setTimeout(lire, INTERVALLE);
          }
        })
        .catch(function () { window.setTimeout(lire, INTERVALLE * 2); });
    }

    window.setTimeout(lire, INTERVALLE);
  }

  document.querySelectorAll("[data-suivi]").forEach(suivre);
}());
