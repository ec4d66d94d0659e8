package dev.longvqa.contract;

/**
 * The environment of every stage Lambda, as the stack sets it and the functions read it.
 *
 * <p>The functions read {@code longvqa.*} configuration (Quarkus/SmallRye); SmallRye maps a property
 * to a variable by upper-casing it and replacing every non-alphanumeric character by {@code _}, so
 * {@code longvqa.table} is read from {@code LONGVQA_TABLE} (not {@code LONGVQA_JOBS_TABLE}).
 * {@link #variable()} is derived from {@link #property()} with that very rule, so the two cannot
 * disagree.
 */
public enum FunctionEnv {
    /** Which {@code @Named} handler of the one function.zip this Lambda runs ({@link Handler}). */
    HANDLER("quarkus.lambda.handler"),
    /** The one bucket: uploads under {@code videos/}, artifacts under {@code jobs/}. */
    BUCKET("longvqa.bucket"),
    /** The jobs table (partition key {@link JobRow#JOB_ID}). */
    TABLE("longvqa.table"),
    /** The answer-only state machine the API starts for follow-up questions (only the API function has it). */
    ANSWER_STATE_MACHINE("longvqa.api.answer-state-machine");

    private final String property;

    FunctionEnv(String property) {
        this.property = property;
    }

    /** The configuration property the functions declare ({@code application.properties}, {@code @ConfigMapping}). */
    public String property() {
        return property;
    }

    /** The environment variable that sets {@link #property()}: what the template must set. */
    public String variable() {
        return environmentName(property);
    }

    /** SmallRye Config's property-to-environment rule: upper case, every non-alphanumeric character to {@code _}. */
    public static String environmentName(String property) {
        StringBuilder sb = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return sb.toString();
    }
}
