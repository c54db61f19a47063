package dev.latchkey.api;

/** Which kind of Google token a {@link Credentials#google(String, GoogleCredentialType)} holds. */
public enum GoogleCredentialType {
    /** A server auth code, exchanged at Google's token endpoint; sent as {@code {"authCode": ...}}. */
    AUTH_CODE,
    /** A Google ID token (a JWT); sent as {@code {"id_token": ...}}. */
    ID_TOKEN
}
