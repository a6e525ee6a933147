//! The vote service: records one vote per client per local day for the cases of the manifest that `generator build`
//! writes (`output/api/cases.json`), durably, and exports tallies. Built out in issue #4.
