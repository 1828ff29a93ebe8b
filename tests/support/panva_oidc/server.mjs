// An OpenID Certified provider (panva's oidc-provider) that no one here wrote, for the end-to-end tests.
//
// One confidential client (our redirect URI, client_secret_basic, PKCE S256 required), the test accounts
// given in ACCOUNTS, and a minimal login + consent interaction with labelled fields that Playwright can use.
// Settings come from the environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, ACCOUNTS (a JSON list of
// {email, password, sub, email_verified, name, preferred_username}). It prints "listening on <issuer>" when ready.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const port = Number(env('PORT'));
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(env('ACCOUNTS'));
const bySub = new Map(accounts.map((a) => [a.sub, a]));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: env('CLIENT_ID'),
      client_secret: env('CLIENT_SECRET'),
      redirect_uris: [env('REDIRECT_URI')],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = bySub.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { email, email_verified, name, preferred_username } = account;
        return { sub, email, email_verified: email_verified !== false, name, preferred_username };
      },
    };
  },
});

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
</head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

function loginPage(uid, error = '') {
  return page(
    'Sign in to the test provider',
    `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label>Email <input name="email" type="email" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function consentPage(uid, clientId, scopes) {
  return page(
    'Allow access',
    `<p>${escape(clientId)} asks for: ${escape(scopes.join(', ') || 'what you allowed before')}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`,
  );
}

async function formOf(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(raw);
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') return send(res, 200, loginPage(uid));
    const scopes = prompt.details.missingOIDCScope || [];
    return send(res, 200, consentPage(uid, params.client_id, scopes));
  }
  if (req.method !== 'POST') return send(res, 405, page('Not allowed', ''));
  if (action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The person cancelled.' },
      { mergeWithLastSubmission: false },
    );
  }
  if (action === 'login') {
    const form = await formOf(req);
    const account = accounts.find((a) => a.email === form.get('email') && a.password === form.get('password'));
    if (!account) return send(res, 200, loginPage(uid, 'Wrong email or password.'));
    return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 404, page('Not found', ''));
}

const handleOidc = provider.callback();
const server = createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return handleOidc(req, res);
  interaction(req, res, match[1], match[2]).catch((err) => {
    console.error(err);
    if (!res.headersSent) send(res, 400, page('Sign-in failed', `<p role="alert">${escape(err.message)}</p>`));
  });
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
server.listen(port, '127.0.0.1', () => console.log(`listening on ${issuer}`));
