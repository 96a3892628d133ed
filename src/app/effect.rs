/// Side effects that `update` asks the runtime to carry out. Effects that produce a
/// result report it back as a [`super::Msg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the loop, restore the terminal and exit with this code.
    Quit { code: i32 },
    /// Give the terminal back to the shell (job control) until resumed.
    Suspend,
}
