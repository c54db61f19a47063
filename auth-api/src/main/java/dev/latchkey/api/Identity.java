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
     *     subject is blank or longer than {@value #MAX_SUBJECT_LENGTH} characters: a provider
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
        profile = profile == null ? Profile.EMPTY : profile;
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
