package dev.latchkey.api;

/**
 * One external account of a user, as a provider vouched for it: which provider, the stable id
 * of the account at that provider, and what the provider said about the person.
 *
 * @param providerType the provider's type, for example {@code "oauth2-google"}
 * @param subject the account's id at the provider: the same for every log-in of one account,
 *     different for different accounts
 * @param profile what the provider told about the user at the last log-in; never null
 */
public record Identity(String providerType, String subject, Profile profile) {
    /** The longest subject accepted. */
    public static final int MAX_SUBJECT_LENGTH = 512;

    /**
     * Checks the fields.
     *
     * @param providerType see the record description
     * @param subject see the record description
     * @param profile see the record description
     * @throws AuthException {@link ErrorCode#INTERNAL} when the type is not well formed or the
     *     subject is blank, longer than {@value #MAX_SUBJECT_LENGTH} characters, or contains a NUL
     *     character or half of a surrogate pair (text no database stores as given): a provider
     *     that builds such an identity is broken
     */
    public Identity {
        if (!ProviderTypes.isWellFormed(providerType)) {
            throw new AuthException(ErrorCode.INTERNAL, "an identity needs a well-formed provider type");
        }
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT_LENGTH) {
            throw new AuthException(ErrorCode.INTERNAL, "provider '" + providerType
                    + "' returned an identity whose subject is blank or longer than " + MAX_SUBJECT_LENGTH);
        }
        if (!isStorableText(subject)) {
            throw new AuthException(ErrorCode.INTERNAL, "provider '" + providerType
                    + "' returned an identity whose subject contains NUL or a lone surrogate; refuse such input in the provider");
        }
        profile = profile == null ? Profile.EMPTY : profile;
    }

    /**
     * Whether every store keeps this text exactly: no NUL (PostgreSQL refuses it) and no half of
     * a surrogate pair (UTF-8 cannot encode it, so it would come back as '?').
     *
     * @param text the text
     * @return true if it is safe to store
     */
    public static boolean isStorableText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * An identity without profile data.
     *
     * @param providerType the provider's type
     * @param subject the account's id at the provider
     * @return the identity
     */
    public static Identity of(String providerType, String subject) {
        return new Identity(providerType, subject, Profile.EMPTY);
    }
}
