package dev.latchkey.testkit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretIndexTest {

    @Test
    void findsSecretsAtEitherEndAmongManyThatShareAPrefix() {
        List<SecretScan.Secret> secrets = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            secrets.add(new SecretScan.Secret("jwt " + i, "eyJhbGciOiJSUzI1NiJ9.payload." + i + "-signature"));
        }
        secrets.add(new SecretScan.Secret("eight", "12345678"));
        SecretIndex index = new SecretIndex(secrets);

        assertThat(index.find("t", "eyJhbGciOiJSUzI1NiJ9.payload.4999-signature and more"))
                .extracting(SecretScan.Finding::secret).containsExactly("jwt 4999");
        assertThat(index.find("t", "ends with 12345678")).extracting(SecretScan.Finding::secret).containsExactly("eight");
        assertThat(index.find("t", "12345678")).hasSize(1);
        assertThat(index.find("t", "eyJhbGciOiJSUzI1NiJ9.payload.5000-signature 1234567")).isEmpty();
    }

    @Test
    void reportsEverySecretPresentAndRedactsThemAll() {
        SecretIndex index = new SecretIndex(List.of(new SecretScan.Secret("a", "alpha-secret"), new SecretScan.Secret("b", "beta-secret!")));

        List<SecretScan.Finding> found = index.find("the log", "x alpha-secret y beta-secret! z");

        assertThat(found).extracting(SecretScan.Finding::secret).containsExactlyInAnyOrder("a", "b");
        assertThat(found).allSatisfy(f -> assertThat(f.excerpt()).isEqualTo("x <secret> y <secret> z"));
    }
}
