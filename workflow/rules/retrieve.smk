rule generate_demo_world:
    output:
        demo_files(),
    params:
        seed=config["demo"]["seed"],
        n_countries=config["demo"]["n_countries"],
        years=[config["years"]["start"], config["years"]["end"]],
        baci_version=demo_baci_version(),
        out_dir=lambda wildcards, output: os.path.commonpath(output),
    log:
        "results/logs/generate_demo_world.log",
    benchmark:
        "results/benchmarks/generate_demo_world.tsv"
    message:
        "Generating the demo world (seed {params.seed}) in the sources' real file formats"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/generate_demo_world.py"
