package dev.tandem.cli.doctor;

/** One check's outcome: one line for the operator, with what to do when it failed. */
public record Finding(Status status, String check, String detail, String fix) {
    public enum Status { OK, SKIP, FAIL }

    static Finding ok(String check, String detail) {
        return new Finding(Status.OK, check, detail, null);
    }

    static Finding skip(String check, String why) {
        return new Finding(Status.SKIP, check, why, null);
    }

    static Finding fail(String check, String detail, String fix) {
        return new Finding(Status.FAIL, check, detail, fix);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }

    /** {@code ok    check: detail}, or {@code FAIL  check: detail; fix}. */
    public String line() {
        String tag = switch (status) {
            case OK -> "ok  ";
            case SKIP -> "skip";
            case FAIL -> "FAIL";
        };
        return tag + "  " + check + ": " + detail + (fix == null ? "" : "; " + fix);
    }
}
