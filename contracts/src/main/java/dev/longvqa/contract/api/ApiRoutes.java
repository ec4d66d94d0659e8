package dev.longvqa.contract.api;

import java.util.List;

/**
 * Every route of the API as API Gateway declares it ({@code METHOD /path/{var}}), the same list as
 * docs/openapi.yaml's paths (a test holds them equal). The stack creates exactly these routes, each
 * with IAM authorization.
 */
public final class ApiRoutes {
    public static final List<String> ALL = List.of(
            "GET /",
            "GET /static/{file+}",
            "POST /videos",
            "POST /videos/{jobId}/complete",
            "GET /jobs",
            "GET /jobs/{jobId}",
            "GET /jobs/{jobId}/scenes",
            "POST /jobs/{jobId}/questions",
            "GET /jobs/{jobId}/answers/{questionId}",
            "GET /jobs/{jobId}/report");

    private ApiRoutes() {}

    public static String method(String route) {
        return route.substring(0, route.indexOf(' '));
    }

    public static String path(String route) {
        return route.substring(route.indexOf(' ') + 1);
    }
}
