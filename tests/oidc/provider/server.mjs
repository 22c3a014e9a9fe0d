// A real OpenID provider (panva's certified oidc-provider) for casepath's sign-in tests. Test use only.
//
// Everything a test changes lives in the JSON file named by OIDC_TEST_STATE and is read again on
// every use, so a test changes a user's groups or registers a client by rewriting the file:
//   {"users": {"anna": {"password": "...", "email": "...", "name": "...", "groups": ["..."], "disabled": false}},
//    "clients": {"casepath": {client metadata: client_secret, redirect_uris, backchannel_logout_uri, ...}},
//    "tamper": "" | "id_token"}   ("id_token": the token response carries an ID token whose payload was
//                                  changed after signing, as a man in the middle would)
// It listens on a free loopback port and prints `issuer <url>` when ready.
import fs from 'node:fs';
import http from 'node:http';
import querystring from 'node:querystring';

import Provider from 'oidc-provider';

const STATE = process.env.OIDC_TEST_STATE;
const state = () => JSON.parse(fs.readFileSync(STATE, 'utf8'));
const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Clients come from the state file; everything else is kept in memory.
const stores = new Map();
class Adapter {
  constructor(name) { this.name = name; this.store = stores.get(name) ?? new Map(); stores.set(name, this.store); }
  async upsert(id, payload) { this.store.set(id, payload); }
  async find(id) {
    if (this.name === 'Client') {
      const client = state().clients?.[id];
      return client ? { client_id: id, ...client } : undefined;
    }
    return this.store.get(id);
  }
  async findByUid(uid) { return [...this.store.values()].find((p) => p.uid === uid); }
  async findByUserCode(code) { return [...this.store.values()].find((p) => p.userCode === code); }
  async consume(id) { const p = this.store.get(id); if (p) p.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { this.store.delete(id); }
  async revokeByGrantId(grantId) {
    for (const [id, p] of this.store) if (p.grantId === grantId) this.store.delete(id);
  }
}

function account(sub) {
  const user = state().users?.[sub];
  if (!user || user.disabled) return undefined;
  return {
    accountId: sub,
    claims: async () => ({ sub, email: user.email, name: user.name, preferred_username: sub, groups: user.groups ?? [] }),
  };
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, error = '') {
  return page('Test provider sign-in', `${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}">
<label>User <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>`);
}

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(querystring.parse(data)));
  });
}

// The provider's own login interaction: the password and the `disabled` flag in the state file decide.
async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginForm(details.uid));
    return;
  }
  const form = await readBody(req);
  const user = state().users?.[form.login];
  if (!user || user.disabled || user.password !== form.password) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginForm(details.uid, 'Unknown user or wrong password.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: form.login } }, { mergeWithLastSubmission: false });
}

// casepath is a first-party client: no consent screen, a grant for what it asks.
async function loadExistingGrant(ctx) {
  const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (grantId) return ctx.oidc.provider.Grant.find(grantId);
  const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
  grant.addOIDCScope('openid email profile');
  await grant.save();
  return grant;
}

function tamper(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  claims.groups = ['admin'];
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    adapter: Adapter,
    findAccount: (ctx, sub) => account(sub),
    claims: { openid: ['sub', 'groups'], email: ['email'], profile: ['name', 'preferred_username'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['casepath-test-provider-only'] },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (ctx, details) => `/interaction/${details.uid}` },
    loadExistingGrant,
    pkce: { required: () => true },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body?.id_token && state().tamper === 'id_token') {
      ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token) };
    }
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((err) => { res.writeHead(500); res.end(String(err)); });
    } else {
      callback(req, res);
    }
  });
  console.log(`issuer ${issuer}`);
});
