package dev.tandem.api;

/**
 * Every refusal of the admin API: a status and a message that names what is wrong and what is allowed. The message is
 * in {@code error} and again in {@code message}, so that every error of every server of a node has the same field.
 *
 * @param line    for a refused configuration document or command list: the 1-based line it names; else null
 * @param command for a refused command list: the command refused; else null
 */
public record ApiError(String error, String message, int status, @Nullable Integer line, @Nullable String command) {
    public static ApiError of(int status, String message) {
        return new ApiError(message, message, status, null, null);
    }
}
