package dev.mandate.server.claims;

import java.util.regex.Pattern;

/** The shapes of identifiers that tokens carry (SPEC §2.2, §3): one definition for every check. */
public final class Ids {

    private static final Pattern JTI = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern TASK_OR_ORCH = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** The id rule, as a client should read it in a 400. */
    public static final String TASK_OR_ORCH_RULE = "[A-Za-z0-9._-]{1,128} and not . or ..";

    private Ids() {
    }

    /** A {@code jti}: 32 lowercase hex digits. */
    public static boolean isJti(String value) {
        return JTI.matcher(value).matches();
    }

    /** An {@code orch_id} or {@code task_id}: {@code [A-Za-z0-9._-]{1,128}}, not {@code .} or {@code ..}. */
    public static boolean isTaskOrOrchId(String value) {
        return TASK_OR_ORCH.matcher(value).matches() && !value.equals(".") && !value.equals("..");
    }
}
