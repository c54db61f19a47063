// npm's jose verifies Latchkey access tokens with nothing but the published JWK Set, as another
// service in another language would, and refuses tampered ones.
//
//   node jose-verify.mjs --base-url http://127.0.0.1:PORT --app-id ID --issuer ISS --audience AUD --now EPOCH_SECONDS
//
// The token comes from a plain anonymous log-in (no SDK); --now is the server's clock, which the
// test may have moved, so that exp/iat are judged by the clock that set them.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { options, recordFetch, refusal, run } from './lib/harness.mjs';

function tamperPayload(token, change) {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return [header, Buffer.from(JSON.stringify(change(claims))).toString('base64url'), signature].join('.');
}

run(async () => {
  const { 'base-url': baseUrl, 'app-id': appId, issuer, audience, now } = options(['base-url', 'app-id', 'issuer', 'audience', 'now']);
  recordFetch();
  const login = await fetch(`${baseUrl}/api/client/v2.0/app/${appId}/auth/providers/anon-user/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
  });
  if (login.status !== 200) {
    throw new Error(`anonymous log-in answered ${login.status}`);
  }
  const { access_token: token, user_id: userId } = await login.json();

  const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
  const verifyOptions = { issuer, audience, algorithms: ['RS256'], currentDate: new Date(Number(now) * 1000) };
  const { payload, protectedHeader } = await jwtVerify(token, jwks, verifyOptions);

  const [h, p, s] = token.split('.');
  const flipped = s.at(-2) === 'A' ? 'B' : 'A';
  const otherSignature = `${h}.${p}.${s.slice(0, -2)}${flipped}${s.at(-1)}`;
  const refusals = {
    otherSubject: await refusal(() => jwtVerify(tamperPayload(token, (c) => ({ ...c, sub: 'someone-else' })), jwks, verifyOptions)),
    laterExpiry: await refusal(() => jwtVerify(tamperPayload(token, (c) => ({ ...c, exp: c.exp + 86400 })), jwks, verifyOptions)),
    otherSignature: await refusal(() => jwtVerify(otherSignature, jwks, verifyOptions)),
    algNone: await refusal(() => jwtVerify(
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`, jwks, verifyOptions)),
    otherAudience: await refusal(() => jwtVerify(token, jwks, { ...verifyOptions, audience: `${audience}-other` })),
    otherIssuer: await refusal(() => jwtVerify(token, jwks, { ...verifyOptions, issuer: `${issuer}-other` })),
    afterExpiry: await refusal(() => jwtVerify(token, jwks, { ...verifyOptions, currentDate: new Date((payload.exp + 3600) * 1000) })),
  };
  return {
    userId,
    header: { alg: protectedHeader.alg, kid: protectedHeader.kid, typ: protectedHeader.typ },
    claims: { iss: payload.iss, aud: payload.aud, sub: payload.sub, hasExp: typeof payload.exp === 'number', hasJti: typeof payload.jti === 'string' },
    decodedKid: decodeProtectedHeader(token).kid,
    refusals,
  };
});
