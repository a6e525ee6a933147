//! The typed model: what a case and the site's settings are, parsed at the edge and trusted afterwards.

pub mod case;
pub mod case_id;
pub mod credit_code;
pub mod form;
pub mod publicity;
pub mod site;
