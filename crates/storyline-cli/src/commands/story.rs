//! `storyline story ID`

use std::process::ExitCode;

use anyhow::{Context, Result};
use storyline::pipeline;

use crate::cli::StoryArgs;
use crate::render;

/// Shows one story; 1 when there is none.
pub fn run(db: &super::Db, args: StoryArgs) -> Result<ExitCode> {
    let mut store = db.reader()?;
    pipeline::catch_up(&mut store)?;
    let Some(story_id) = super::story_arg(&store, &args.id)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(story) = store.story(story_id)? else {
        eprintln!("storyline: no story {:?}", args.id);
        return Ok(ExitCode::from(1));
    };
    if args.json {
        let view = storyline::view::story(&store, story.id)?
            .context("the story vanished while being read")?;
        render::print_json(&view)?;
    } else {
        let summary = store.summary(story.id)?.unwrap_or_default();
        render::print_story(&story, &summary)?;
    }
    Ok(ExitCode::SUCCESS)
}
