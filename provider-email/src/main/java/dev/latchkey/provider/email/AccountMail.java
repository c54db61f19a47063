package dev.latchkey.provider.email;

/**
 * The mails the provider sends about accounts. Sending happens off the caller's thread; a
 * failure is reported by the implementation, never to the caller, whose answer must not depend
 * on whether an address exists (enumeration protection) nor on a mail server's mood.
 */
interface AccountMail {

    /**
     * A link that confirms the address.
     *
     * @param email the address
     * @param link the confirmation page with the token in its query
     */
    void confirmation(String email, String link);

    /**
     * A link that resets the password.
     *
     * @param email the address
     * @param link the reset page with the token in its query
     */
    void reset(String email, String link);

    /**
     * A notice that someone tried to register the address again.
     *
     * @param email the address
     */
    void accountExists(String email);

    /**
     * A notice that the password was reset.
     *
     * @param email the address
     */
    void passwordChanged(String email);

    /** No mail server configured: the settings allow it only when no mail is needed; notices are skipped. */
    AccountMail NONE = new AccountMail() {
        @Override
        public void confirmation(String email, String link) {
            throw new IllegalStateException("confirmation links need smtp settings");
        }

        @Override
        public void reset(String email, String link) {
            throw new IllegalStateException("reset links need smtp settings");
        }

        @Override
        public void accountExists(String email) {
        }

        @Override
        public void passwordChanged(String email) {
        }
    };
}
