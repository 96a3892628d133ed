//! Everything with side effects: the terminal, the event loop, signals.
