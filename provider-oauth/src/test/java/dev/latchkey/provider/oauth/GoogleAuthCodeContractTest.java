package dev.latchkey.provider.oauth;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.GoogleCredentialType;
import dev.latchkey.testkit.contract.ContractEnvironment;
import dev.latchkey.testkit.fake.FakeGoogle;
import java.util.Optional;

/**
 * {@code oauth2-google} with auth codes keeps the whole contract, the backend rules included,
 * against a {@link FakeGoogle} (the backend a fresh provider calls first is the token endpoint).
 * The fake, settings and accounts are {@link GoogleProviderContractTest}'s; only the credentials
 * differ. Google's codes are single-use; the contract logs in with one credential many times, so the
 * fake keeps codes here ({@link FakeGoogle#reusableCodes}); single use is checked in
 * {@link GoogleProviderTest}.
 */
class GoogleAuthCodeContractTest extends GoogleProviderContractTest {

    GoogleAuthCodeContractTest() {
        google.reusableCodes(true);
    }

    @Override
    protected Credentials validCredentials(ContractEnvironment env) {
        return Credentials.google(google.issueAuthCode(alice), GoogleCredentialType.AUTH_CODE);
    }

    @Override
    protected Credentials otherAccountCredentials(ContractEnvironment env) {
        return Credentials.google(google.issueAuthCode(bob), GoogleCredentialType.AUTH_CODE);
    }

    /** An auth code of alice issued to another app's client (SECURITY.md #12): Google answers invalid_grant. */
    @Override
    protected Optional<Credentials> invalidCredentials(ContractEnvironment env) {
        return Optional.of(Credentials.google(google.issueAuthCode(alice, "9999-other-app.apps.googleusercontent.com"),
                GoogleCredentialType.AUTH_CODE));
    }
}
