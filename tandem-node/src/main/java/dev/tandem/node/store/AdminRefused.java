package dev.tandem.node.store;

/** An admin write the cluster's state forbids now (the admin API answers 409); nothing was changed. */
public final class AdminRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AdminRefused(String message) {
        super(message, null, false, false);
    }
}
