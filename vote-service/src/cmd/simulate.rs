//! `vote-service simulate-election` (hidden): a simulated election with planted stuffing, recorded through the
//! real database code, reviewed, and measured; the benchmark of bench/README.md.

use std::path::PathBuf;

use vote_service::review::simulate::{Plan, run};
use vote_service::review::{Settings, report};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 10)]
    pub days: u32,
    #[arg(long, default_value_t = 1_000_000)]
    pub votes: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The rules' thresholds (YAML).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Keep the database here (a new folder) instead of a temporary one, e.g. to run `review` on it afterwards.
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// Also print the findings, as text.
    #[arg(long)]
    pub findings: bool,
}

pub fn execute(args: Args) -> anyhow::Result<()> {
    let settings = args.rules.as_deref().map_or_else(|| Ok(Settings::default()), Settings::load)?;
    let temp;
    let dir = match &args.keep {
        Some(dir) => {
            std::fs::create_dir(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
            dir.clone()
        }
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_owned()
        }
    };
    let plan = Plan { days: args.days, votes: args.votes, seed: args.seed };
    let measured = run(&plan, &dir, &settings)?;
    if args.findings {
        print!("{}", report::text(&measured.findings));
    }
    println!(
        "{} days, {} votes sent, seed {}: recorded in {:.1} s, reviewed in {:.2} s\n",
        plan.days,
        plan.votes,
        plan.seed,
        measured.recorded_in.as_secs_f64(),
        measured.reviewed_in.as_secs_f64()
    );
    print!("{}", measured.evaluation.markdown());
    Ok(())
}
