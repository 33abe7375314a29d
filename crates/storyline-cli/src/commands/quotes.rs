//! `storyline quotes ID` and `storyline entities ID`

use std::process::ExitCode;

use anyhow::Result;
use storyline::pipeline;
use storyline::quotes::{Support, UNSUPPORTED};

use crate::cli::StoryArgs;
use crate::render;

/// What a story's quotes command prints.
#[derive(Clone, Copy)]
pub enum Show {
    /// Who said what.
    Quotes,
    /// The people, organisations and places.
    Entities,
}

/// Shows a story's quotes or entities; 1 when there is no such story.
pub fn run(db: &super::Db, args: StoryArgs, show: Show) -> Result<ExitCode> {
    let mut store = db.reader()?;
    pipeline::catch_up(&mut store)?;
    let Some(story_id) = super::story_arg(&store, &args.id)? else {
        return Ok(ExitCode::from(1));
    };
    let Some(who) = pipeline::quotes::for_story(&store, story_id)? else {
        eprintln!("storyline: no story {:?}", args.id);
        return Ok(ExitCode::from(1));
    };
    // No rules for the story's language: the stage says so.
    let unsupported = match show {
        Show::Quotes => who.support != Support::Full,
        Show::Entities => who.support == Support::None,
    };
    match (show, args.json) {
        _ if unsupported && args.json => render::print_json(&UNSUPPORTED)?,
        _ if unsupported => println!("{UNSUPPORTED}"),
        (Show::Quotes, true) => render::print_json(&who.quotes)?,
        (Show::Entities, true) => render::print_json(&who.entities)?,
        (Show::Quotes, false) => render::print_quotes(&who)?,
        (Show::Entities, false) => render::print_entities(&who)?,
    }
    Ok(ExitCode::SUCCESS)
}
