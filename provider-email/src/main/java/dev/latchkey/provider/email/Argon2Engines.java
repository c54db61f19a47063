package dev.latchkey.provider.email;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import java.util.Locale;

/**
 * Picks the Argon2id implementation for {@code passwordHashing.implementation}: {@code auto} (the
 * default) takes libargon2 when it loads and passes RFC 9106's test vector, Bouncy Castle otherwise;
 * {@code native} insists on libargon2 (start-up fails with CONFIGURATION without it); {@code java}
 * always takes Bouncy Castle. Both compute the same bytes, so the choice never touches stored hashes.
 */
final class Argon2Engines {
    /** The setting's values. */
    enum Implementation {
        AUTO, NATIVE, JAVA;

        static Implementation of(String setting) {
            if (setting == null) {
                return AUTO;
            }
            for (Implementation i : values()) {
                if (i.name().toLowerCase(Locale.ROOT).equals(setting)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("passwordHashing: implementation must be \"auto\", \"native\" or \"java\"");
        }
    }

    /**
     * Loading libargon2 is tried once per class loader, at first need: the outcome cannot change while the
     * process runs, and a second attempt would only repeat the same search of the library path.
     */
    private static final class Native {
        static final LibArgon2.Loaded LOADED = tryLoad();

        private static LibArgon2.Loaded tryLoad() {
            try {
                return LibArgon2.load();
            } catch (LinkageError e) {
                // LibArgon2 itself could not be linked: the argon2-jvm or JNA jar is not on the class path.
                return new LibArgon2.Loaded(null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private Argon2Engines() {
    }

    /** The engine and the sentence that says why it was chosen, for the one INFO line at start. */
    record Choice(Argon2Engine engine, String reason) {
    }

    /**
     * Chooses.
     *
     * @param wanted the setting
     * @return the engine and why
     * @throws AuthException CONFIGURATION when {@code native} is asked for and libargon2 cannot be used
     */
    static Choice choose(Implementation wanted) {
        return wanted == Implementation.JAVA ? choose(wanted, null) : choose(wanted, Native.LOADED);
    }

    /**
     * Chooses, given what loading libargon2 found (tests hand in a failed load here).
     *
     * @param wanted the setting
     * @param loaded the outcome of {@link LibArgon2#load}; not read for {@code java}
     * @return the engine and why
     */
    static Choice choose(Implementation wanted, LibArgon2.Loaded loaded) {
        return switch (wanted) {
            case JAVA -> new Choice(new BouncyCastleArgon2(), "passwordHashing.implementation is \"java\"");
            case NATIVE -> {
                if (loaded.engine() == null) {
                    throw new AuthException(ErrorCode.CONFIGURATION, "providers." + dev.latchkey.api.ProviderTypes.EMAIL_PASSWORD
                            + ".passwordHashing.implementation is \"native\", but libargon2 cannot be used (" + loaded.whyNot()
                            + "): install it (Debian: apt-get install libargon2-1) or set \"auto\" or \"java\"");
                }
                yield new Choice(loaded.engine(), "passwordHashing.implementation is \"native\"");
            }
            case AUTO -> {
                yield loaded.engine() != null
                        ? new Choice(loaded.engine(), "libargon2 loaded and passed RFC 9106's test vector")
                        : new Choice(new BouncyCastleArgon2(), "libargon2 cannot be used (" + loaded.whyNot()
                                + "); install it (Debian: libargon2-1) for about 1.4x less CPU per hash");
            }
        };
    }
}
