package dev.tandem.node.store;

/**
 * The store could not be reached, or a transaction on it failed part way: the transaction was rolled back, so
 * nothing was changed. The admin API answers 503 with this message.
 */
public final class StoreUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailable(String detail, Throwable cause) {
        super("the store is unreachable (" + detail + "); nothing was changed", cause);
    }
}
