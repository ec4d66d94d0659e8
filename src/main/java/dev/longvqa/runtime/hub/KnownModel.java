package dev.longvqa.runtime.hub;

/** Models this project is built around, with short names for the command line. */
public enum KnownModel {
    SMOLVLM_256M("smolvlm-256m", "HuggingFaceTB/SmolVLM-256M-Instruct",
            "SigLIP encoder + pixel-shuffle connector + 135M Llama decoder; the CPU default"),
    TDC_QWEN2_7B("tdc-qwen2-7b", "Hoar012/TDC-Qwen2-7B", "TDC checkpoint, Qwen2-7B language model (GPU)"),
    TDC_LLAMA3_2_3B("tdc-llama3.2-3b", "Hoar012/TDC-Llama3_2-3B", "TDC checkpoint, Llama-3.2-3B language model (GPU)");

    private final String alias;
    private final String repo;
    private final String description;

    KnownModel(String alias, String repo, String description) {
        this.alias = alias;
        this.repo = repo;
        this.description = description;
    }

    public String alias() {
        return alias;
    }

    public String repo() {
        return repo;
    }

    public String description() {
        return description;
    }

    public static KnownModel defaultModel() {
        return SMOLVLM_256M;
    }
}
