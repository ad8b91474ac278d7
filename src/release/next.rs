//! Version arithmetic for release steps (pure): the next dev, pre-release, post-release or
//! calendar version the policy asks a branch to take.
