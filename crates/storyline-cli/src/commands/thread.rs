//! `storyline thread ID`

use std::process::ExitCode;

use anyhow::Result;
use storyline::pipeline;

use crate::cli::StoryArgs;
use crate::render;

/// Shows one thread; 1 when there is none.
pub fn run(db: &super::Db, args: StoryArgs) -> Result<ExitCode> {
    let mut store = db.reader()?;
    pipeline::catch_up(&mut store)?;
    let id = match store.thread_ref(&args.id) {
        Ok(id) => id,
        Err(e @ (storyline::Error::NotFound(_) | storyline::Error::BadArgument(_))) => {
            eprintln!("storyline: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let Some(thread) = storyline::view::thread(&store, id)? else {
        eprintln!("storyline: no thread {:?}", args.id);
        return Ok(ExitCode::from(1));
    };
    if args.json {
        render::print_json(&thread)?;
    } else {
        render::print_thread(&thread)?;
    }
    Ok(ExitCode::SUCCESS)
}
