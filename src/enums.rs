//! The enumerations of the content format: each has a stable code and a Chinese label, and is
//! written either way in front matter. Templates and exports carry both.

macro_rules! code_label_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Accepts the code or the Chinese label.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.code() == s || v.label() == s)
            }

            /// Every value as (code, label), in order: the choices of a form's list.
            pub fn code_labels() -> Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|v| (v.code(), v.label())).collect()
            }

            /// `open（待办理）、in_progress（办理中）…` for "write one of these" messages.
            pub fn choices() -> String {
                Self::ALL
                    .iter()
                    .map(|v| format!("{}（{}）", v.code(), v.label()))
                    .collect::<Vec<_>>()
                    .join("、")
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

code_label_enum!(NoticeKind {
    Publicity = ("publicity", "公示"),
    Announcement = ("announcement", "公告"),
    Notification = ("notification", "通知"),
    Disclosure = ("disclosure", "公开"),
});

code_label_enum!(
    /// A 公示's status at a given day; withdrawn overrides the other three.
    NoticeStatus {
        Upcoming = ("upcoming", "未开始"),
        Active = ("active", "公示中"),
        Ended = ("ended", "已结束"),
        Withdrawn = ("withdrawn", "已撤回"),
    }
);

code_label_enum!(ProblemStatus {
    Open = ("open", "待办理"),
    InProgress = ("in_progress", "办理中"),
    Resolved = ("resolved", "已办结"),
    Unresolvable = ("unresolvable", "无法解决"),
    Referred = ("referred", "已转办"),
});

impl ProblemStatus {
    /// Resolved, unresolvable and referred all end the item on the wall and need an echo.
    pub fn is_closed(self) -> bool {
        !matches!(self, ProblemStatus::Open | ProblemStatus::InProgress)
    }
}

code_label_enum!(ServiceKind {
    Services = ("services", "服务清单"),
    Resources = ("resources", "资源清单"),
    Projects = ("projects", "项目清单"),
    Needs = ("needs", "需求清单"),
});

code_label_enum!(Fee {
    Free = ("free", "无偿"),
    LowCost = ("low_cost", "低偿"),
    Paid = ("paid", "有偿"),
});

code_label_enum!(ProjectStatus {
    Planned = ("planned", "计划中"),
    InProgress = ("in_progress", "实施中"),
    Completed = ("completed", "已完工"),
    Accepted = ("accepted", "已验收"),
});

code_label_enum!(AfterExpiry {
    Keep = ("keep", "保留"),
    Redact = ("redact", "撤下详情"),
    Unlist = ("unlist", "不再发布"),
});

code_label_enum!(
    /// How often a catalogue item is owed (content.md §6).
    Every {
        Month = ("month", "每月"),
        Quarter = ("quarter", "每季度"),
        HalfYear = ("half_year", "每半年"),
        Year = ("year", "每年"),
    }
);

code_label_enum!(
    /// A catalogue period's state at a given day (content.md §6).
    PeriodStatus {
        Done = ("done", "已公开"),
        Current = ("current", "本期中"),
        Missing = ("missing", "逾期未公开"),
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_code_or_label() {
        assert_eq!(
            ProblemStatus::parse("in_progress"),
            Some(ProblemStatus::InProgress)
        );
        assert_eq!(
            ProblemStatus::parse("办理中"),
            Some(ProblemStatus::InProgress)
        );
        assert_eq!(ProblemStatus::parse("doing"), None);
        assert_eq!(NoticeKind::parse("公示"), Some(NoticeKind::Publicity));
        assert_eq!(Fee::parse("低偿"), Some(Fee::LowCost));
    }

    #[test]
    fn closed_states_are_the_three_with_an_echo() {
        let closed: Vec<_> = ProblemStatus::ALL
            .iter()
            .filter(|s| s.is_closed())
            .collect();
        assert_eq!(closed.len(), 3);
        assert!(!ProblemStatus::Open.is_closed());
    }

    #[test]
    fn choices_lists_code_and_label() {
        assert!(ServiceKind::choices().starts_with("services（服务清单）、resources"));
    }
}
