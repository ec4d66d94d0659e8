package dev.longvqa.contract.api;

/** The API's paths (docs/openapi.yaml), built here for clients; the handler routes on the same names. */
public final class ApiPaths {
    public static final String VIDEOS = "/videos";
    public static final String JOBS = "/jobs";
    public static final String STATIC_PREFIX = "/static/";
    /** Where the web page's files are on the class path (module web/). */
    public static final String STATIC_RESOURCES = "dev/longvqa/web/static/";

    private ApiPaths() {}

    public static String job(String jobId) {
        return JOBS + "/" + jobId;
    }

    public static String complete(String jobId) {
        return VIDEOS + "/" + jobId + "/complete";
    }

    public static String questions(String jobId) {
        return job(jobId) + "/questions";
    }

    public static String answer(String jobId, String questionId) {
        return job(jobId) + "/answers/" + questionId;
    }

    public static String scenes(String jobId) {
        return job(jobId) + "/scenes";
    }

    public static String report(String jobId) {
        return job(jobId) + "/report";
    }
}
