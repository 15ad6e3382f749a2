// A FranceConnect-compatible provider for the tests, built on panva's oidc-provider, the Node
// library FranceConnect itself runs on. It is configured the way franceconnect.md describes FC
// v2: client_secret_post, ES256 id_token with acr eidas1, userinfo as a signed JWT, 60 s access
// tokens, 30 s codes, pairwise `sub` (64 hex + "v1"), identity pivot claims, state and nonce of at
// least 32 characters, RP-initiated logout. Its paths are the library's own (/auth, /me…): the
// portal must find them through discovery, as it would for any other provider.
//
// Protocol with the test (tests/auth/test_fournisseur_externe.py), one line each way, so that no
// port is ever guessed: the provider listens on a free loopback port and prints
// `{"issuer": …}`; the test starts the portal with that issuer, then writes the portal's base URL
// on stdin; the provider registers the portal's two URIs and prints `pret`.

import { createHash, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import readline from 'node:readline';
import Provider from 'oidc-provider';

const CLIENT_ID = process.env.FRANCECONNECT_CLIENT_ID;
const CLIENT_SECRET = process.env.FRANCECONNECT_CLIENT_SECRET;
// FranceConnect refuses shorter values with its Y030007 page (franceconnect.md §3).
const LONGUEUR_MINIMALE = 32;
const ALGORITHME = 'ES256';

// FranceConnect's published test identities (franceconnect.md §12), one of them born abroad.
const IDENTITES = {
  angela: {
    given_name: 'Angela Claire Louise',
    given_name_array: ['Angela', 'Claire', 'Louise'],
    family_name: 'DUBOIS',
    birthdate: '1962-08-24',
    gender: 'female',
    birthplace: '75107',
    birthcountry: '99100',
    email: 'wossewodda-3728@yopmail.com',
  },
  ermengardi: {
    given_name: 'Ermengardi',
    given_name_array: ['Ermengardi'],
    family_name: 'GODIN',
    birthdate: '1985-09-05',
    gender: 'female',
    birthplace: '',
    birthcountry: '99350',
    email: 'ermengardi.godin@exemple.test',
  },
};

function configuration(portail, cle) {
  return {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${portail}/connexion/franceconnect/retour`],
      post_logout_redirect_uris: [`${portail}/deconnexion/retour`],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: ALGORITHME,
      userinfo_signed_response_alg: ALGORITHME,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      subject_type: 'pairwise',
    }],
    jwks: { keys: [cle] },
    clientAuthMethods: ['client_secret_post'],
    responseTypes: ['code'],
    acrValues: ['eidas1'],
    subjectTypes: ['pairwise'],
    // FC-like: 64 hexadecimal characters and "v1", stable per person and service.
    pairwiseIdentifier: async (ctx, accountId, client) => createHash('sha256')
      .update(`${client.sectorIdentifier}\n${accountId}`).digest('hex') + 'v1',
    scopes: ['openid', 'identite_pivot', 'email', 'preferred_username'],
    claims: {
      acr: null,
      auth_time: null,
      openid: ['sub'],
      email: ['email'],
      preferred_username: ['preferred_username'],
      identite_pivot: ['given_name', 'given_name_array', 'family_name', 'birthdate', 'gender',
        'birthplace', 'birthcountry'],
    },
    findAccount: async (ctx, accountId) => ({
      accountId,
      claims: async () => ({ sub: accountId, ...IDENTITES[accountId] }),
    }),
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: pageDeDeconnexion },
    },
    ttl: { AccessToken: 60, IdToken: 60, AuthorizationCode: 30, Interaction: 600, Session: 1800,
      Grant: 1800 },
    // FranceConnect's authorize request has no PKCE parameter (franceconnect.md §3).
    pkce: { required: () => false },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [createHash('sha256').update(CLIENT_SECRET).digest('hex')] },
  };
}

function pageHtml(titre, corps) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${titre}</title>`
    + `</head><body><main><h1>${titre}</h1>${corps}</main></body></html>`;
}

async function pageDeDeconnexion(ctx, formulaire) {
  // `formulaire` is the library's hidden form (id "op.logoutForm", with its xsrf token).
  ctx.body = pageHtml('Déconnexion du fournisseur de test', `${formulaire}
    <button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>`);
}

function pageDeConnexion(uid) {
  const boutons = Object.entries(IDENTITES).map(([cle, identite]) =>
    `<button type="submit" name="identite" value="${cle}">`
    + `${identite.given_name} ${identite.family_name}</button>`).join('');
  return pageHtml('Fournisseur d’identité de test', `<p>Simulation : identités fictives.</p>
    <form method="post" action="/interaction/${uid}">${boutons}
    <button type="submit" name="annuler" value="1">Annuler</button></form>`);
}

// FranceConnect's own checks on /authorize, which the library does not make: an HTML 400 page
// that never returns to the service (franceconnect.md §2, §3). The portal sends it by GET.
function verifierCommeFranceConnect(provider) {
  const chemin = new URL(provider.urlFor('authorization')).pathname;
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === chemin) {
      const { state, nonce, acr_values: niveau } = ctx.query;
      if (!niveau || [state, nonce].some((v) => typeof v !== 'string'
          || v.length < LONGUEUR_MINIMALE)) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = pageHtml('Erreur Y030007', '<p>Paramètre absent ou invalide.</p>');
        return;
      }
    }
    await next();
  };
}

async function lireFormulaire(req) {
  let corps = '';
  for await (const morceau of req) corps += morceau;
  return new URLSearchParams(corps);
}

async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(pageDeConnexion(details.uid));
    return;
  }
  const choix = await lireFormulaire(req);
  const accountId = choix.get('identite');
  if (choix.has('annuler') || !(accountId in IDENTITES)) {
    // FranceConnect's wording when the person cancels.
    await provider.interactionFinished(req, res,
      { error: 'access_denied', error_description: 'User auth aborted' },
      { mergeWithLastSubmission: false });
    return;
  }
  // FranceConnect forces prompt=login consent: both are answered by this one choice.
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  await provider.interactionFinished(req, res, {
    login: { accountId, acr: 'eidas1' },
    consent: { grantId: await grant.save() },
  }, { mergeWithLastSubmission: false });
}

const serveur = http.createServer();
serveur.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${serveur.address().port}`;
  console.log(JSON.stringify({ issuer }));
  const entree = readline.createInterface({ input: process.stdin });
  // The test holds stdin open while it runs: the provider never outlives it.
  entree.on('close', () => process.exit(0));
  entree.once('line', (portail) => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const cle = { ...privateKey.export({ format: 'jwk' }), kid: 'cle-node-es256', alg: ALGORITHME,
      use: 'sig' };
    const provider = new Provider(issuer, configuration(portail.trim(), cle));
    provider.use(verifierCommeFranceConnect(provider));
    provider.on('server_error', (ctx, erreur) => console.error('server_error', erreur));
    const oidc = provider.callback();
    serveur.on('request', (req, res) => {
      if (!req.url.startsWith('/interaction/')) {
        oidc(req, res);
        return;
      }
      interaction(provider, req, res).catch((erreur) => {
        console.error(erreur);
        res.writeHead(500);
        res.end();
      });
    });
    console.log('pret');
  });
});
