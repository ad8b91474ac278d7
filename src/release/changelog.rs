//! The changelog heading a tag class asks for, and an empty section inserted for the user.
