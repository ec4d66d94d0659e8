package dev.longvqa.runtime.hub;

import java.util.Locale;

/**
 * A model on the hub: {@code owner/name}, optionally {@code @revision}, or one of the short names
 * of {@link KnownModel}.
 */
public record ModelRef(String repo, String revision) {

    public ModelRef {
        if (repo == null || !repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("not a hub model id (owner/name): " + repo);
        }
        if (revision == null || revision.isBlank()) revision = "main";
        if (revision.contains("..") || revision.startsWith("/")) throw new IllegalArgumentException("bad revision " + revision);
    }

    public static ModelRef parse(String id) {
        String s = id.strip();
        String rev = "main";
        int at = s.lastIndexOf('@');
        if (at > 0) {
            rev = s.substring(at + 1);
            s = s.substring(0, at);
        }
        for (KnownModel k : KnownModel.values()) {
            if (k.alias().equals(s.toLowerCase(Locale.ROOT))) return new ModelRef(k.repo(), rev);
        }
        return new ModelRef(s, rev);
    }

    /** The repository's folder in the Hugging Face hub cache: {@code models--owner--name}. */
    public String cacheFolder() {
        return "models--" + repo.replace("/", "--");
    }

    /** Whether the revision is a full commit hash (a snapshot folder's own name). */
    public boolean isCommit() {
        return revision.matches("[0-9a-f]{40}");
    }

    @Override
    public String toString() {
        return revision.equals("main") ? repo : repo + "@" + revision;
    }
}
