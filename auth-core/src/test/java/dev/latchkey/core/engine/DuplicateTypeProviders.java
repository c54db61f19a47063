package dev.latchkey.core.engine;

import dev.latchkey.api.Credentials;
import dev.latchkey.api.Identity;
import dev.latchkey.api.spi.CredentialProvider;
import dev.latchkey.api.spi.ProviderContext;

/**
 * Two providers that claim one type, as two jars might. Only
 * {@code ProviderRegistryTest.twoJarsClaimingOneTypeFailAtStartNamingBoth} registers them, on a
 * class loader of its own, so no other test ever discovers them.
 */
final class DuplicateTypeProviders {
    private DuplicateTypeProviders() {
    }

    /** The first claimant. */
    public static final class First implements CredentialProvider {
        @Override
        public String type() {
            return "dup-type";
        }

        @Override
        public void start(ProviderContext context) {
        }

        @Override
        public Identity authenticate(Credentials credentials) {
            return Identity.of("dup-type", "first");
        }
    }

    /** The second claimant. */
    public static final class Second implements CredentialProvider {
        @Override
        public String type() {
            return "dup-type";
        }

        @Override
        public void start(ProviderContext context) {
        }

        @Override
        public Identity authenticate(Credentials credentials) {
            return Identity.of("dup-type", "second");
        }
    }
}
