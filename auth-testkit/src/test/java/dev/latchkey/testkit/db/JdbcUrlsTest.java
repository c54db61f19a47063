package dev.latchkey.testkit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
    @Test
    void theDatabaseIsReplacedKeepingHostsAndParameters() {
        assertThat(JdbcUrls.withDatabase("jdbc:postgresql://db:5432/postgres?ssl=true&connectTimeout=5", "t1"))
                .isEqualTo("jdbc:postgresql://db:5432/t1?ssl=true&connectTimeout=5");
        assertThat(JdbcUrls.withDatabase("jdbc:postgresql://a:1,b:2/postgres", "t1"))
                .isEqualTo("jdbc:postgresql://a:1,b:2/t1");
        assertThat(JdbcUrls.withDatabase("jdbc:postgresql://db/", "t1")).isEqualTo("jdbc:postgresql://db/t1");
        assertThat(JdbcUrls.withDatabase("jdbc:postgresql://db", "t1")).isEqualTo("jdbc:postgresql://db/t1");
        assertThat(JdbcUrls.withDatabase("jdbc:postgresql:postgres", "t1")).isEqualTo("jdbc:postgresql:t1");
        assertThat(JdbcUrls.withDatabase("jdbc:postgresql:/?user=x", "t1")).isEqualTo("jdbc:postgresql:t1?user=x");
    }

    @Test
    void theDatabaseNameIsRead() {
        assertThat(JdbcUrls.databaseOf("jdbc:postgresql://db:5432/app?ssl=true")).isEqualTo("app");
        assertThat(JdbcUrls.databaseOf("jdbc:postgresql://db")).isEmpty();
        assertThat(JdbcUrls.databaseOf("jdbc:postgresql:app")).isEqualTo("app");
    }

    @Test
    void aPasswordParameterIsHidden() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://db/app?user=u&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/app?user=u&password=<hidden>&ssl=true");
        assertThat(JdbcUrls.redact("jdbc:postgresql://db/app?PASSWORD=hunter2")).doesNotContain("hunter2");
    }

    @Test
    void otherUrlsAreRefused() {
        assertThatThrownBy(() -> JdbcUrls.withDatabase("jdbc:h2:mem:x", "t1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
