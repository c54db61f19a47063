package dev.latchkey.api;

/**
 * The provider type names Latchkey ships with; they are App Services' names. A third-party
 * provider picks its own, lower-case, with dashes.
 */
public final class ProviderTypes {
    /** Anonymous users. */
    public static final String ANONYMOUS = "anon-user";
    /** User and server API keys. */
    public static final String API_KEY = "api-key";
    /** Email address and password. */
    public static final String EMAIL_PASSWORD = "local-userpass";
    /** A JWT issued by the application's own authentication system. */
    public static final String CUSTOM_TOKEN = "custom-token";
    /** An application-supplied function that decides who the user is. */
    public static final String CUSTOM_FUNCTION = "custom-function";
    /** Sign in with Facebook. */
    public static final String FACEBOOK = "oauth2-facebook";
    /** Sign in with Google. */
    public static final String GOOGLE = "oauth2-google";
    /** Sign in with Apple. */
    public static final String APPLE = "oauth2-apple";

    private ProviderTypes() {
    }

    /**
     * Whether a string can be a provider type: 1 to 64 characters of lower-case letters,
     * digits and dashes, starting with a letter.
     *
     * @param type the candidate
     * @return true if it is well formed
     */
    public static boolean isWellFormed(String type) {
        if (type == null || type.isEmpty() || type.length() > 64) {
            return false;
        }
        if (type.charAt(0) < 'a' || type.charAt(0) > 'z') {
            return false;
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
