package dev.latchkey.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.Identity;
import dev.latchkey.api.UserType;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.NewUser;
import dev.latchkey.core.store.Store;
import dev.latchkey.core.store.StoredSession;
import dev.latchkey.core.store.jdbc.JdbcStores;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an H2 file database in the data directory. */
class H2StoreTest extends StoreContract {
    @TempDir
    Path dataDirectory;

    @Override
    protected Store newStore() {
        return JdbcStores.open(StoreSettings.DEFAULT, dataDirectory, "contract-app");
    }

    /** The JDBC store does what the contract allows: a new user's session is opened with it, one commit for both. */
    @Test
    void aNewUsersSessionIsOpenedWithIt() {
        NewUser user = new NewUser("u-one-step", UserType.NORMAL, T0);
        StoredSession session = new StoredSession("s-one-step", user.id(), "device", "test-idp", "erin", "h-one-step", T0,
                T0.plusSeconds(3600));
        Store.LogIn logIn = store.logInIdentity(Identity.of("test-idp", "erin"), user, T0, session);
        assertThat(logIn.sessionOpened()).isTrue();
        assertThat(store.findSessionByTokenHash("h-one-step")).contains(session);
        assertThat(store.findUserByIdentity("test-idp", "erin")).contains(logIn.user());
    }
}
