package dev.tandem.core.config;

/**
 * Something a configuration line left that the specification advises against but that does not stop the group from working,
 * so the line is applied and the operator told (decision 0066).
 *
 * @param line    the line that first brought it about
 * @param command that line, with a key masked
 * @param message what is wrong, the specification's words for it and what would fix it
 */
public record ConfigWarning(int line, String command, String message) {}
