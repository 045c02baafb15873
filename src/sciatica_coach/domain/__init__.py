"""Pure domain core: content, session engine, safety, adaptation, outcomes, motion. No web or database imports."""
