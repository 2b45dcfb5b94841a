//! The parsing child's sandbox. Workbooks come from a hundred universities and calamine's
//! readers have had memory bugs: a crafted file that takes over the child must find
//! nothing to reach. On Linux the child gives up, for itself and anything it might start,
//! every file-system access (Landlock, with no rule allowing any path) and the network
//! (Landlock's TCP rules, kernels from 6.7), and sets `no_new_privs`; it is handed each
//! workbook's bytes on stdin by the parent, so it needs no file. The rlimits of
//! `pool::limit_child` (address space, CPU) stay. On a kernel without Landlock the child
//! still parses, with the rlimits only: `enter` says which.
//!
//! Windows has no Landlock: there the plan is a Job Object (memory and CPU limits, no
//! child processes) and a restricted token at low integrity for the same process, set up
//! by the parent before the child runs (docs/ARCHITECTURE.md).

/// How much of the sandbox the kernel gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforced {
    Fully,
    Partly,
    Not,
}

/// Enters the sandbox for the calling thread and whatever it starts later.
#[cfg(target_os = "linux")]
pub fn enter() -> Enforced {
    use landlock::{
        Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus, ABI,
    };
    let abi = ABI::V5;
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.no_new_privs(true).restrict_self());
    match status.map(|s| s.ruleset) {
        Ok(RulesetStatus::FullyEnforced) => Enforced::Fully,
        Ok(RulesetStatus::PartiallyEnforced) => Enforced::Partly,
        _ => Enforced::Not,
    }
}

#[cfg(not(target_os = "linux"))]
pub fn enter() -> Enforced {
    Enforced::Not
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn a_sandboxed_thread_can_open_no_file_and_make_none() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("clerk.json");
        std::fs::write(&outside, b"secret").unwrap();
        let inside = outside.clone();
        let (enforced, read, wrote, listed) = std::thread::spawn(move || {
            let enforced = super::enter();
            let read = std::fs::read(&inside).is_ok();
            let wrote = std::fs::write(inside.with_file_name("dropped.desktop"), b"x").is_ok();
            let listed = std::fs::read_dir("/").is_ok();
            (enforced, read, wrote, listed)
        })
        .join()
        .unwrap();
        if enforced == super::Enforced::Not {
            eprintln!("this kernel has no Landlock: the sandbox could not be checked here");
            return;
        }
        assert!(!read, "read a file");
        assert!(!wrote, "wrote a file");
        assert!(!listed, "listed a folder");
        // The rest of the process is untouched: Landlock binds the thread that entered.
        assert_eq!(std::fs::read(&outside).unwrap(), b"secret");
    }
}
