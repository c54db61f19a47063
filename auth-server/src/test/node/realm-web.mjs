// realm-web, the official App Services JavaScript SDK, unmodified, against a Latchkey server.
//
//   node realm-web.mjs <scenario> --base-url http://127.0.0.1:PORT --app-id ID [scenario options]
//
// The only thing pointed at Latchkey is baseUrl: new Realm.App({ id, baseUrl }). Prints one JSON
// result line (see lib/harness.mjs); RealmWebInteropTest runs each scenario and checks the result
// and the server's state.
import { SignJWT } from 'jose';
import { ask, env, exchanges, options, recordFetch, refusal, run } from './lib/harness.mjs';

const scenario = process.argv[2];

const scenarios = {
  // Anonymous log-in; the profile; the device id the server gave, sent back on the next log-in.
  async anonymous(Realm, app) {
    const user = await app.logIn(Realm.Credentials.anonymous());
    const first = { userId: user.id, state: user.state, providerType: user.providerType, identities: user.identities,
      profile: user.profile, profileType: user.toJSON().profile.type };
    // A second anonymous log-in (reuse off, else realm-web answers from memory) carries the stored device id.
    const again = await app.logIn(Realm.Credentials.anonymous(false));
    const logIns = exchanges.filter((x) => x.path.endsWith('/auth/providers/anon-user/login'));
    return {
      first,
      second: { userId: again.id },
      currentUserId: app.currentUser?.id,
      device: {
        given: logIns[0].response.body.device_id,
        sentBack: logIns[1].request.body.options.device.deviceId?.$oid ?? null,
        givenAgain: logIns[1].response.body.device_id,
        // realm-web reads this from the access token's baas_device_id claim.
        userDeviceId: again.deviceId,
      },
    };
  },

  // register -> (the test reads the mail) -> confirm -> log in; and the refusals around it.
  async 'email-password'(Realm, app) {
    const { email, password } = options(['base-url', 'app-id', 'email', 'password']);
    await app.emailPasswordAuth.registerUser({ email, password });
    const beforeConfirmation = await refusal(() => app.logIn(Realm.Credentials.emailPassword(email, password)));
    const { token, tokenId } = await ask({ for: 'confirmation', email });
    await app.emailPasswordAuth.confirmUser({ token, tokenId });
    const confirmedTwice = await refusal(() => app.emailPasswordAuth.confirmUser({ token, tokenId }));
    const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
    const wrongPassword = await refusal(() => app.logIn(Realm.Credentials.emailPassword(email, `${password}-wrong`)));
    return { userId: user.id, identities: user.identities, profile: user.profile, beforeConfirmation, confirmedTwice, wrongPassword };
  },

  // An anonymous user links an email/password account (confirmed by mail) and keeps its id.
  async link(Realm, app) {
    const { email, password } = options(['base-url', 'app-id', 'email', 'password']);
    const anonymous = await app.logIn(Realm.Credentials.anonymous(false));
    await app.emailPasswordAuth.registerUser({ email, password });
    const { token, tokenId } = await ask({ for: 'confirmation', email });
    await app.emailPasswordAuth.confirmUser({ token, tokenId });
    await anonymous.linkCredentials(Realm.Credentials.emailPassword(email, password));
    const linkedIdentities = anonymous.identities;
    const byPassword = await app.logIn(Realm.Credentials.emailPassword(email, password));
    return { userId: anonymous.id, linkedIdentities, byPasswordUserId: byPassword.id, byPasswordIdentities: byPassword.identities };
  },

  // user.apiKeys: create, list, fetch; log in with the key; a disabled key is refused. The owner
  // logs in with the custom function: anonymous users cannot have API keys.
  async 'api-key'(Realm, app) {
    const { subject } = options(['base-url', 'app-id', 'subject']);
    const owner = await app.logIn(Realm.Credentials.function({ username: subject, pin: '7319' }));
    const created = await owner.apiKeys.create('ci-key');
    const listed = await owner.apiKeys.fetchAll();
    const fetched = await owner.apiKeys.fetch(created._id);
    const byKey = await app.logIn(Realm.Credentials.apiKey(created.key));
    await owner.apiKeys.disable(created._id);
    const disabled = await refusal(() => app.logIn(Realm.Credentials.apiKey(created.key)));
    return {
      ownerId: owner.id,
      created: { id: created._id, name: created.name, disabled: created.disabled, hasKey: typeof created.key === 'string' && created.key.length > 0 },
      listed: listed.map((k) => ({ id: k._id, name: k.name, disabled: k.disabled, hasKey: 'key' in k })),
      fetched: { id: fetched._id, name: fetched.name },
      byKeyUserId: byKey.id,
      byKeyProviderType: byKey.providerType,
      disabled,
    };
  },

  // A JWT signed here with npm's jose (HS256, the secret the test configured) logs in as its sub.
  async jwt(Realm, app) {
    const { 'app-id': appId, subject, now } = options(['base-url', 'app-id', 'subject', 'now']);
    const secret = new TextEncoder().encode(env('LATCHKEY_INTEROP_JWT_SECRET'));
    const iat = Number(now); // the server's clock, which the test may have moved
    const sign = (key) => new SignJWT({ name: 'Alice Liddell' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject).setAudience(appId).setIssuedAt(iat).setExpirationTime(iat + 600)
      .sign(key);
    const user = await app.logIn(Realm.Credentials.jwt(await sign(secret)));
    const otherSecret = await refusal(async () => app.logIn(Realm.Credentials.jwt(await sign(new TextEncoder().encode('x'.repeat(40))))));
    const notAJwt = await refusal(() => app.logIn(Realm.Credentials.jwt('not.a-jwt')));
    return { userId: user.id, identities: user.identities, profile: user.profile, otherSecret, notAJwt };
  },

  // Credentials.function: the payload goes to the webhook, whose answer names the user.
  async function(Realm, app) {
    const user = await app.logIn(Realm.Credentials.function({ username: 'caleb', pin: '7319' }));
    const wrongPin = await refusal(() => app.logIn(Realm.Credentials.function({ username: 'caleb', pin: '0000' })));
    return { userId: user.id, identities: user.identities, profile: user.profile, wrongPin };
  },

  // refreshAccessToken; a call after the access token expired (realm-web's own 401 -> refresh ->
  // retry); logOut, after which the old refresh token is refused.
  async session(Realm, app) {
    const user = await app.logIn(Realm.Credentials.anonymous(false));
    const firstAccess = user.accessToken;
    await user.refreshAccessToken();
    const refreshedAccess = user.accessToken;
    await ask({ for: 'expire-access-token' });
    const beforeExpiredCall = user.accessToken;
    await user.refreshProfile();
    const afterExpiredCall = user.accessToken;
    const oldRefreshToken = user.refreshToken;
    await user.logOut();
    const stateAfterLogOut = user.state;
    // realm-web forgets the token on logOut; ask the server itself whether it still takes it.
    const location = await app.locationUrl;
    const response = await fetch(`${location}/api/client/v2.0/auth/session`, {
      method: 'POST', headers: { Authorization: `Bearer ${oldRefreshToken}` },
    });
    const body = await response.json();
    return {
      userId: user.id,
      explicitRefreshChangedToken: refreshedAccess !== firstAccess,
      expiredCallRefreshedToken: afterExpiredCall !== beforeExpiredCall,
      stateAfterLogOut,
      tokensForgotten: user.accessToken === null && user.refreshToken === null,
      oldRefreshToken: { status: response.status, errorCode: body.error_code },
    };
  },
};

run(async () => {
  if (!(scenario in scenarios)) {
    throw new Error(`unknown scenario '${scenario}'; one of ${Object.keys(scenarios).join(', ')}`);
  }
  const { 'base-url': baseUrl, 'app-id': id } = options(['base-url', 'app-id']);
  recordFetch();
  const Realm = await import('realm-web');
  const app = new Realm.App({ id, baseUrl });
  return scenarios[scenario](Realm, app);
});
