// Attendance on a tablet that may lose its connection: each mark is queued (localStorage) and
// sent as the form's own POST, asking for JSON; a mark the network lost stays queued and is
// sent again when the connection returns. The server's marks are idempotent, so a mark sent
// twice is harmless. Without JavaScript, each button is a plain form.
(function () {
  "use strict";
  var CLE = "portail-pointage-file";
  var enCours = false;

  function lireFile() {
    try { return JSON.parse(window.localStorage.getItem(CLE) || "[]"); } catch (e) { return []; }
  }

  function ecrireFile(file) {
    window.localStorage.setItem(CLE, JSON.stringify(file));
    var bandeau = document.querySelector("[data-pointage-file]");
    if (bandeau) {
      bandeau.hidden = file.length === 0;
      bandeau.textContent = file.length ? file.length + " pointage(s) en attente : ils seront " +
        "envoyés dès le retour de la connexion." : "";
    }
  }

  function montrer(marque, libelle) {
    var ligne = document.getElementById("enfant-" + marque.enfant);
    if (!ligne) { return; }
    ligne.querySelectorAll("button[name=etat]").forEach(function (bouton) {
      bouton.setAttribute("aria-pressed", bouton.value === marque.etat ? "true" : "false");
    });
    var etat = ligne.querySelector("[data-pointage-etat]");
    if (etat && libelle) { etat.textContent = libelle; }
  }

  function envoyer() {
    var file = lireFile();
    if (enCours || !file.length) { ecrireFile(file); return; }
    enCours = true;
    var marque = file[0];
    var corps = new URLSearchParams(marque.champs);
    fetch(marque.adresse, {method: "POST", body: corps, credentials: "same-origin",
                           headers: {Accept: "application/json"}})
      .then(function (reponse) {
        return reponse.json().then(function (donnees) { return [reponse.ok, donnees]; });
      })
      .then(function (resultat) {
        // Sent: done, whether accepted or refused (a refusal is shown, never retried).
        ecrireFile(lireFile().slice(1));
        enCours = false;
        if (resultat[0]) {
          montrer(marque, resultat[1].libelle);
          envoyer();
        } else {
          var bandeau = document.querySelector("[data-pointage-file]");
          bandeau.hidden = false;
          bandeau.textContent = resultat[1].erreur || "Pointage refusé.";
          window.setTimeout(envoyer, 3000);
        }
      })
      .catch(function () {
        enCours = false;
        ecrireFile(lireFile());
        window.setTimeout(envoyer, 10000);
      });
  }

  document.addEventListener("submit", function (evenement) {
    var formulaire = evenement.target;
    if (!formulaire.matches("[data-pointage]") || !evenement.submitter) { return; }
    evenement.preventDefault();
    var champs = Array.from(new FormData(formulaire).entries());
    champs.push(["etat", evenement.submitter.value]);
    var marque = {adresse: formulaire.action, champs: champs, etat: evenement.submitter.value,
                  enfant: formulaire.querySelector("[name=enfant]").value};
    var file = lireFile();
    file.push(marque);
    ecrireFile(file);
    montrer(marque, null);
    envoyer();
  });
  window.addEventListener("online", envoyer);
  document.addEventListener("DOMContentLoaded", envoyer);
})();
